/** UK public-sector financial years run 1 April – 31 March and are written `2025-26`. */
export function financialYearOf(date: Date): string {
  const year = date.getUTCMonth() >= 3 ? date.getUTCFullYear() : date.getUTCFullYear() - 1;
  return `${year}-${String((year + 1) % 100).padStart(2, '0')}`;
}
