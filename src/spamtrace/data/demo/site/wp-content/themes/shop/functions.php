<?php
/** Theme functions of the demo shop. */
function shop_render_home()
{
    $items = ['Tea pot', 'Mug', 'Kettle'];
    echo "<h1>Welcome to the shop</h1>\n<ul>\n";
    foreach ($items as $item) {
        echo '<li>' . htmlspecialchars($item, ENT_QUOTES) . "</li>\n";
    }
    echo "</ul>\n";
}
