import { runServiceMain } from '@aftersales/platform';
import { sparesService } from './service';

await runServiceMain(sparesService);
