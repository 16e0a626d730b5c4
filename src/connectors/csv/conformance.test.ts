import { describeFileConnectorConformance } from '../../testing/conformance.js';
import { csv } from './index.js';

describeFileConnectorConformance(csv, {
  extension: '.csv',
  sourceOptions: (path) => ({ path }),
  sinkOptions: (path) => ({ path }),
});

describeFileConnectorConformance(csv, {
  extension: '.tsv.gz',
  sourceOptions: (path) => ({ path, delimiter: '\t', infer: false }),
  sinkOptions: (path) => ({ path, delimiter: '\t', line_ending: '\r\n' }),
});
