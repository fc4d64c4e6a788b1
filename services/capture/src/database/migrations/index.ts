import { CaptureInitial1764190000000 } from './1764190000000-capture-initial.js';

export const captureMigrations = [CaptureInitial1764190000000];
