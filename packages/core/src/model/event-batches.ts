import type { Model, ModelEvent, ModelRequest } from "./model.ts";

/**
 * Internal (not exported from the package): a model may also hand out its events in batches, one per network read,
 * in the same order and with the same errors as `stream`. The agent loop reads batches when a model offers them, so
 * a turn costs a promise hop per read instead of per event; `stream` stays the public contract.
 */
export const eventBatches: unique symbol = Symbol("skein.eventBatches");

export interface BatchingModel extends Model {
  [eventBatches](request: ModelRequest, signal?: AbortSignal): AsyncIterable<ModelEvent[]>;
}

/** The model's batches when it offers them, else its event stream. */
export function modelEvents(
  model: Model,
  request: ModelRequest,
  signal?: AbortSignal,
): AsyncIterable<ModelEvent | ModelEvent[]> {
  const batches = (model as Partial<BatchingModel>)[eventBatches];
  return batches ? batches.call(model, request, signal) : model.stream(request, signal);
}

/**
 * A batch stream as the public one-event-at-a-time stream. Hand-written rather than a generator around the batches:
 * an event of the current batch costs one resolved promise, no generator step, so reading `stream` costs what it did
 * before batches existed. `return()` closes the batch stream (which ends the request).
 */
export function flattenBatches(batches: AsyncIterable<ModelEvent[]>): AsyncIterableIterator<ModelEvent> {
  const source = batches[Symbol.asyncIterator]();
  let batch: ModelEvent[] = [];
  let index = 0;
  const pull = (): Promise<IteratorResult<ModelEvent, undefined>> =>
    source.next().then((step) => {
      if (step.done) return { value: undefined, done: true };
      batch = step.value;
      index = 0;
      return index < batch.length ? { value: batch[index++]!, done: false } : pull();
    });
  const iterator: AsyncIterableIterator<ModelEvent> = {
    [Symbol.asyncIterator]: () => iterator,
    next: () => (index < batch.length ? Promise.resolve({ value: batch[index++]!, done: false }) : pull()),
    return: async (): Promise<IteratorResult<ModelEvent, undefined>> => {
      batch = [];
      await source.return?.();
      return { value: undefined, done: true };
    },
  };
  return iterator;
}
