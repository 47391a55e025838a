/**
 * A base URL fit to show or save: any user:password part removed, no trailing slash. An unparsable URL is
 * replaced by a placeholder rather than echoed, since it may hold a credential.
 */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url)
    u.username = ''
    u.password = ''
    return u.toString().replace(/\/+$/, '')
  } catch {
    return '(unparsable base URL)'
  }
}
