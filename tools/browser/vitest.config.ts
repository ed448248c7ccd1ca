import { defineConfig } from 'vitest/config';
import { sharedConfig } from '../vitest.shared';

const shared = sharedConfig();
export default defineConfig({ ...shared, test: { ...shared.test, include: ['*.test.ts'] } });
