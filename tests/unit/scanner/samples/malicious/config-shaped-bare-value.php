<?php
// the posted value written bare after a setting: it is code, not a quoted value
if (isset($_POST['v'])) {
    $f = fopen("cache/settings.php", "w");
    fwrite($f, "<?php define('KEY', 1); " . $_POST['v']);
    fclose($f);
}
