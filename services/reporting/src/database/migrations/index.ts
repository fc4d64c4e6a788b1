import { ReportingInitial1764190300000 } from './1764190300000-reporting-initial.js';

export const reportingMigrations = [ReportingInitial1764190300000];
