import { describeFileConnectorConformance } from '../../testing/conformance.js';
import { json } from './index.js';

describeFileConnectorConformance(json, {
  extension: '.json',
  sourceOptions: (path) => ({ path }),
  sinkOptions: (path) => ({ path }),
});
