// Re-exported so notebooks and CLI code use the same nodejs-polars as the experiments lib
// (it is installed under this lib, not necessarily at the workspace root).
import pl from 'nodejs-polars';

export { pl };
