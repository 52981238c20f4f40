// sql.js's build with its WebAssembly inlined (base64) has the API of the package's main module.
declare module 'sql.js/dist/sql-wasm-inline.js' {
  import initSqlJs from 'sql.js';
  export default initSqlJs;
}
