// Integration tier: `npm test` resolves the stack and passes its endpoints in the environment; a
// bare `jest --selectProjects integration` resolves it here instead (and leaves the local stack up).
import { ensureStack } from '@clearway/infra';

export default async function globalSetup(): Promise<void> {
  const stack = await ensureStack({ ...process.env });
  Object.assign(process.env, stack.endpoints);
  (globalThis as { __clearwayStackStop?: () => Promise<void> }).__clearwayStackStop = () => stack.stop();
}
