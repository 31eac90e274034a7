/**
 * Collects the sockets written to during one event-loop turn and flushes
 * each once, in the check phase after all of the turn's I/O callbacks. Fifty
 * clients' commands for one server, read in one turn, leave as one write.
 */
export interface Flushable {
  flush(): void;
}

const dirty = new Set<Flushable>();
let scheduled = false;

function flushAll(): void {
  scheduled = false;
  // A flush may dirty others (a reply completing a client's head); those go out in the same pass.
  for (const item of dirty) {
    dirty.delete(item);
    item.flush();
  }
}

export function scheduleFlush(item: Flushable): void {
  dirty.add(item);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flushAll);
  }
}
