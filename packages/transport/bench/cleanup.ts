/** Collects teardown steps and runs them last-in first-out, even when one fails. */
export class Cleanup {
  private readonly steps: (() => void | Promise<void>)[] = [];

  /** Registers a teardown step; returns `value` for chaining. */
  add<T>(value: T, step: (value: T) => void | Promise<void>): T {
    this.steps.push(() => step(value));
    return value;
  }

  /** Runs every step (newest first); errors are swallowed so every step runs. */
  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch {
        // Teardown of something already gone.
      }
    }
  }
}

/** Runs `body` with a fresh {@link Cleanup} that is always run afterwards. */
export async function withCleanup<T>(body: (cleanup: Cleanup) => Promise<T>): Promise<T> {
  const cleanup = new Cleanup();
  try {
    return await body(cleanup);
  } finally {
    await cleanup.run();
  }
}
