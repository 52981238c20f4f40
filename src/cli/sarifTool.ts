// Layerlens as SARIF's tool.driver, for every command that writes --format sarif.
import { version } from '../../package.json';
import type { SarifTool } from '../core/reports/sarif';

export const SARIF_TOOL: SarifTool = { name: 'Layerlens', version };
