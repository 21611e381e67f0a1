import { startShell } from './shell';

void startShell();
