import { runServiceMain } from '@aftersales/platform';
import { intakeService } from './service';

await runServiceMain(intakeService);
