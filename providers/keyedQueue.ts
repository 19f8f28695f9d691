// One writer per document inside this process: resources of one stack on one document run in turn.

/** Runs `task` after every earlier task with the same key has settled, even one that failed. */
export function keyedQueue(): <T>(key: string, task: () => Promise<T>) => Promise<T> {
  const tails: Record<string, Promise<unknown>> = {};
  return <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const previous = tails[key] ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    tails[key] = tail;
    void tail.then(() => {
      if (tails[key] === tail) delete tails[key];
    });
    return run;
  };
}
