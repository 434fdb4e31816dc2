// The renderer's Content Security Policy, sent by the web host as a header and set by the
// Electron shell on every response. No inline or remote script, no plugins, no navigation
// targets; inline styles are allowed because message HTML (in a sandboxed, script-less iframe
// that inherits this policy) depends on them. Remote images are additionally blocked inside
// the message frame by its own policy and by the sanitiser unless the user allows them.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https: http:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self' about: blob:",
  "child-src 'self' about: blob:",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Policy of the frame that shows one message: nothing may load unless remote content is allowed. */
export function messageFramePolicy(allowRemote: boolean): string {
  const img = allowRemote ? 'img-src data: https: http:' : 'img-src data:';
  return ["default-src 'none'", "style-src 'unsafe-inline'", img, 'font-src data:', "script-src 'none'", "form-action 'none'"].join('; ');
}
