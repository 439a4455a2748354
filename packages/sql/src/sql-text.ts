/** A trailing `;` (natural at the end of a query) would break the sub-select hygge wraps it in. */
export function stripSemicolon(query: string): string {
  return query.replace(/[\s;]+$/, "");
}
