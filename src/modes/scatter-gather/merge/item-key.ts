/** What makes two items the same item. */
export type ItemKey = (item: unknown) => unknown;

/**
 * Items are the same when their `id` fields are equal (when an id field is
 * configured and the item has it), otherwise when they are equal as values:
 * scalars directly, objects and arrays by their JSON text.
 */
export function itemKey(id: string | undefined): ItemKey {
  return (item) => {
    if (item === null || typeof item !== 'object') return item;
    if (id !== undefined && Object.hasOwn(item, id)) {
      const value = (item as Record<string, unknown>)[id];
      return value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
    }
    return JSON.stringify(item);
  };
}
