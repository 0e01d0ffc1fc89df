<?php
/*
 * Plugin: Inline PHP for news items. Runs the <?php ... ?> blocks an editor
 * with full access wrote in a news item; for others the code is shown as text.
 */
add_filter('news_item_body', 'inline_php_render');

function inline_php_render($body) {
    return preg_replace_callback('/<\?php(.*?)\?>/is', 'inline_php_block', $body);
}

function inline_php_block($found) {
    global $current_author;
    $snippet = str_replace('<br />', '', $found[1]);
    if (!author_may_run_code($current_author)) {
        return htmlspecialchars($found[0]);
    }
    ob_start();
    eval($snippet);
    return ob_get_clean();
}

class Page_Blocks {
    public function render($page_text) {
        return preg_replace_callback('~<\?php\s(.+?)\?>~s', function ($m) {
            ob_start();
            eval($m[1]);
            return ob_get_clean();
        }, $page_text);
    }
}
