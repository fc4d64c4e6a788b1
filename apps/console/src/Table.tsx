/** A column of a table's head: its words, or its words and that it holds figures (right-aligned, in tabular digits). */
export type Column = string | { label: string; figures: true };

/** A column of figures: amounts, quantities, counts. */
export const figures = (label: string): Column => ({ label, figures: true });

/** A table's head: one header cell per column, each the header of its column for assistive technologies. */
export function Head({ columns }: { columns: Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c, i) =>
          typeof c === 'string' ? (
            <th key={i} scope="col">
              {c}
            </th>
          ) : (
            <th key={i} scope="col" className="amount">
              {c.label}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
