import { runServiceMain } from '@aftersales/platform';
import { dispatchService } from './service';

await runServiceMain(dispatchService);
