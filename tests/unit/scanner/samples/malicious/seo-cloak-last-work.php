<?php
// SEO cloaking with no exit: the crawler's branch prints the operator's page and the script
// ends there (written for the tests, never run)
function seen_by_search() {
    $agent = $_SERVER['HTTP_USER_AGENT'];
    foreach (array('Googlebot', 'bingbot', 'Google-InspectionTool') as $name) {
        if (stripos($agent, $name) !== false) {
            return true;
        }
    }
    return false;
}

if (seen_by_search()) {
    $page = file_get_contents('https://doorway.example.test/lists/brand.txt');
    echo $page;
}
?>
