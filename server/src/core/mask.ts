// Passwords never reach a message: a URL or save_path is shown with its credentials as ***.

/** `scheme://user:pass@host?auth=x&auth[]=u&auth[]=p` → `scheme://user:***@host?auth=***&auth[]=***&auth[]=***`. */
export function maskCredentials(text: string): string {
  return text
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)(.*)@/i, (_m, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      return colon < 0 ? `${scheme}***@` : `${scheme}${userinfo.slice(0, colon)}:***@`;
    })
    .replace(/((?:^|[?&])(?:auth|password|pass|passwd|pwd|requirepass)(?:\[[^\]=&]*\])?=)[^&#\s,]*/gi, '$1***');
}
