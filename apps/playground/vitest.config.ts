import { sharedConfig } from '../../tools/vitest.shared';

export default sharedConfig();
