<?php
// Settings page of a camera viewer: the values typed in its form replace the ones in config.php.
if (isset($_POST['Host'])) {
    $filename = '../../includes/config.php';
    $settings = file_get_contents($filename);
    $search = array(
        "/TITLE','.*'/",
        "/DBHOST','.*'/",
        "/DBUSER','.*'/",
        "/DBNAME','.*'/",
        "/DBPASS','.*'/",
    );
    $replace = array(
        "TITLE','" . $_POST['Title'] . "'",
        "DBHOST','" . $_POST['Host'] . "'",
        "DBUSER','" . $_POST['User'] . "'",
        "DBNAME','" . $_POST['Databasename'] . "'",
        "DBPASS','" . $_POST['Password'] . "'",
    );
    $settings = preg_replace($search, $replace, $settings);
    $file = fopen($filename, 'w');
    if (!$file) {
        echo 'Cannot open includes/config.php';
    } else {
        fwrite($file, $settings);
        fclose($file);
    }
}
