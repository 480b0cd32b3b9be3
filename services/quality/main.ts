import { runServiceMain } from '@aftersales/platform';
import { qualityService } from './service';

await runServiceMain(qualityService);
