// Koa 2 is installed under the alias `koa2` for the compatibility suite; it is cast to Koa 3's types there.
declare module 'koa2' {
  const Koa: unknown;
  export default Koa;
}
