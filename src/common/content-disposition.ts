/**
 * A `Content-Disposition` header for a file the service sends: an ASCII fallback name and the
 * UTF-8 name (RFC 6266, RFC 8187).
 */
export function contentDisposition(
  fileName: string,
  disposition: 'attachment' | 'inline' = 'attachment',
): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  // RFC 8187: encodeURIComponent leaves ' ( ) * ! as they are, which the field may not hold.
  const encoded = encodeURIComponent(fileName).replace(
    /['()*!]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
