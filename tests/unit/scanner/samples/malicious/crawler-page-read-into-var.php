<?php
// test fixture (written for the tests, never run): Google's crawlers get the text of a
// page kept next to the site, read into a variable first; people get another file run
function is_google_bot() {
    $agents = array("Googlebot", "Google-InspectionTool", "Googlebot-Mobile");
    foreach ($agents as $agent) {
        if (strpos($_SERVER['HTTP_USER_AGENT'], $agent) !== false) return true;
    }
    return false;
}
if (is_google_bot()) {
    $page = file_get_contents('wp-data.php');
    echo $page;
    exit;
} else {
    include('notes.txt');
    exit;
}
