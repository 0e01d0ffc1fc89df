<?php
namespace App\Http\Controllers;

use App\Mail\ContactMessage;
use App\Models\Product;
use Illuminate\Http\Request;
use Illuminate\Support\Facades\Http;
use Illuminate\Support\Facades\Mail;

class ShopController extends Controller
{
    public function search(Request $request)
    {
        $q = $request->input('q', '');
        $products = Product::where('name', 'like', '%' . $q . '%')->paginate(20);
        return view('shop.search', ['products' => $products, 'q' => $q, 'agent' => $request->userAgent()]);
    }

    public function contact(Request $request)
    {
        $data = $request->validate(['name' => 'required', 'email' => 'required|email', 'message' => 'required']);
        Mail::to('office@example.org')->send(new ContactMessage($data));
        Http::post('https://hooks.slack.example/services/T000/B000', ['text' => 'New contact from ' . $data['name']]);
        return back()->with('status', 'Thanks!');
    }

    public function register(Request $request)
    {
        $user = \App\Models\User::create([
            'email' => $request->input('email'),
            'password' => \Illuminate\Support\Facades\Hash::make($request->input('password')),
        ]);
        return redirect('/welcome');
    }
}
