import { describeFileConnectorConformance } from '../../testing/conformance.js';
import { parquet } from './index.js';

describeFileConnectorConformance(parquet, {
  extension: '.parquet',
  sourceOptions: (path) => ({ path }),
  sinkOptions: (path) => ({ path }),
});
