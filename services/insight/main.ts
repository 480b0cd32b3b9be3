import { runServiceMain } from '@aftersales/platform';
import { insightService } from './service';

await runServiceMain(insightService);
