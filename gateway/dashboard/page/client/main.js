/** The page starts here: a report draws its embedded data; the live page signs in first. */
import { dashboard, setUpDashboard, showData } from './dashboard.js';
import { embeddedJson } from './dom.js';
import { startLive } from './live.js';

const pageConfig = embeddedJson('shallot-config');
setUpDashboard(pageConfig.mode);
if (pageConfig.mode === 'report') {
  showData(embeddedJson('shallot-data'));
  document.body.dataset.state = 'ready';
} else {
  startLive(pageConfig, dashboard);
}
