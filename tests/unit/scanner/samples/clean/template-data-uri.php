<?php
// spamtrace test sample: a template engine that runs the PHP it compiled from a template
// through a data: URI (where its config allows), or from a temporary file
class Mini_Compiler {
    public static function compile($template) {
        return '<?php return function ($in) { return ' . var_export($template, true) . '; };';
    }
    public static function prepare($php, $tmpDir = null) {
        if (!ini_get('allow_url_include') || $tmpDir) {
            $fn = tempnam($tmpDir ?: sys_get_temp_dir(), 'tpl');
            file_put_contents($fn, $php);
            return include($fn);
        }
        return include('data://text/plain,' . urlencode($php));
    }
}
