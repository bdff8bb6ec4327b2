import { setUpPage } from './ui.js';

setUpPage();
