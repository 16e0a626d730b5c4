import { describeFileConnectorConformance } from '../../testing/conformance.js';
import { ndjson } from './index.js';

describeFileConnectorConformance(ndjson, {
  extension: '.ndjson',
  sourceOptions: (path) => ({ path }),
  sinkOptions: (path) => ({ path }),
});

describeFileConnectorConformance(ndjson, {
  extension: '.jsonl.gz',
  sourceOptions: (path) => ({ path }),
  sinkOptions: (path) => ({ path }),
});
