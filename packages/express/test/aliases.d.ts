// Express 4 is installed under the alias `express4` for the compatibility suite; it is cast to Express 5's types there.
declare module 'express4' {
  const express: unknown;
  export default express;
}
