/** @coldchain/after-sales: consumers' bad-fruit requests from report to payout, shared by the API and the rules' timers. */
export { AFTER_SALES_STATE_NAMES, createAfterSalesWorkflow, newAfterSalesId, OPEN_AFTER_SALES_STATES, publicAfterSalesView } from './workflow.ts';
export type { AfterSalesNotice, AfterSalesNoticeType, AfterSalesRefusal, AfterSalesReport, AfterSalesTickReport, AfterSalesWorkflow, AfterSalesWorkflowDeps } from './workflow.ts';
export { RecordingPayouts } from './payouts.ts';
export type { PayoutOrder, PayoutPort, PayoutReceipt } from './payouts.ts';
