<?php
// page router: the page must be one of the include files already in the site's folder
$page = isset($_GET['page']) && $_GET['page'] != '' ? $_GET['page'] : 'default';
$page = './include/' . $page . '.inc.php';
$pages = glob('./include/*.inc.php');
if (in_array($page, $pages)) {
    include($page);
} else {
    include('./include/default.inc.php');
}
