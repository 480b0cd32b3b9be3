import { runServiceMain } from '@aftersales/platform';
import { notificationsService } from './service';

await runServiceMain(notificationsService);
