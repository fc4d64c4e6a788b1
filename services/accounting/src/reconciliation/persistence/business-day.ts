import type { DataSource } from 'typeorm';

/** The service's business date (the latest of the TARGET calendar it has seen), or the wall clock before the first: a break's age counts in it. */
export async function businessDate(q: Pick<DataSource, 'query'>): Promise<string> {
  const [d] = (await q.query(`SELECT to_char(max(business_date), 'YYYY-MM-DD') AS d FROM accounting.business_day`)) as Array<{ d: string | null }>;
  return d?.d ?? new Date().toISOString().slice(0, 10);
}
