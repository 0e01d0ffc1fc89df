<?php
// spamtrace test sample: clean look-alike (a generated template indents deeply, and a
// plain-text report pads its columns with spaces; no code follows a run on its line).
$title = 'Report';
?>
<html><body>
                                                                                                                                                                          <?php echo htmlspecialchars($title); ?>
<pre>Name                                                                                                                                                                                    Total</pre>
<p>Last run: <?php    echo date('Y-m-d'); ?></p>
</body></html>
